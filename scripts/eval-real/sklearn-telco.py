# scikit-learn's LogisticRegression on the same telco split as `npm run eval:real`, for comparison
# only (never required by the product or by npm test). Also recomputes AUC, log loss and Brier of
# the probabilities Salescast served with scikit-learn's own functions, a check of the metric code.
# Usage: sklearn-telco.py <Telco-Customer-Churn.csv> <held-out ids, one a line> <served.json>
import json
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def ece(p, y, bins=10):
    """Same definition as src/ml/metrics.ts: equal-width bins, weighted by their share of rows."""
    b = np.minimum(bins - 1, np.floor(p * bins).astype(int))
    return float(sum((b == k).mean() * abs(p[b == k].mean() - y[b == k].mean()) for k in range(bins) if (b == k).any()))


csv, ids_file, served_file = sys.argv[1:4]
df = pd.read_csv(csv)
df["TotalCharges"] = pd.to_numeric(df["TotalCharges"], errors="coerce")  # 11 blanks (tenure 0)
held = set(open(ids_file).read().split())
y = (df["Churn"] == "Yes").astype(int).to_numpy()
X = df.drop(columns=["customerID", "Churn"])
numeric = ["tenure", "MonthlyCharges", "TotalCharges"]
categorical = [c for c in X.columns if c not in numeric]
model = make_pipeline(
    ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    ),
    LogisticRegression(C=1.0, max_iter=5000),
)
test = df["customerID"].isin(held).to_numpy()
model.fit(X[~test], y[~test])
p = model.predict_proba(X[test])[:, 1]
yt = y[test]

served = json.load(open(served_file))
by_id = dict(zip(df["customerID"], y))
sp = np.array([s["p"] for s in served], dtype=float)
sy = np.array([by_id[s["id"]] for s in served])
print(
    json.dumps(
        {
            "sklearn": sklearn.__version__,
            "auc": roc_auc_score(yt, p),
            "logLoss": log_loss(yt, p),
            "brier": brier_score_loss(yt, p),
            "ece": ece(p, yt),
            "servedCheck": {"auc": roc_auc_score(sy, sp), "logLoss": log_loss(sy, sp), "brier": brier_score_loss(sy, sp)},
        }
    )
)

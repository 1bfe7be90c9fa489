// Products by external id.
import { fromSqlJson, type SqlRunner } from '../sql';

/** The custom attributes (JSON) of a product, or null when there is no such product or it has none. */
export async function productAttributes(q: SqlRunner, externalId: string): Promise<unknown> {
  const [row] = await q.all<{ attributes: unknown }>('SELECT attributes FROM product WHERE external_id = ?', [externalId]);
  return row ? fromSqlJson(row.attributes) : null;
}

// The /docs page: a self-contained HTML rendering of /openapi.json (the machine may be offline,
// so no CDN). The script is served from /docs/docs.js rather than inline so the strict
// Content-Security-Policy from helmet (script-src 'self') stays on.
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Salescast API</title>
<link rel="icon" href="data:,">
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
header { background: #1d2330; color: #fff; padding: 1rem 2rem; }
header h1 { margin: 0; font-size: 1.4rem; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 4rem; }
nav a { margin-right: .8rem; }
h2 { border-bottom: 1px solid #d8dde6; padding-bottom: .3rem; margin-top: 2rem; }
details.op { background: #fff; border: 1px solid #d8dde6; border-radius: 6px; margin: .5rem 0; }
details.op > summary { cursor: pointer; padding: .5rem .8rem; list-style: none; display: flex; gap: .8rem; align-items: baseline; }
.method { font: bold 12px monospace; text-transform: uppercase; padding: .15rem .45rem; border-radius: 4px; color: #fff; min-width: 3.5rem; text-align: center; }
.get { background: #2f7d32; } .post { background: #1565c0; } .delete { background: #c62828; } .put, .patch { background: #ef6c00; }
.path { font-family: monospace; font-weight: 600; }
.scope { margin-left: auto; font-size: 12px; color: #556; }
.body { padding: 0 1rem 1rem; }
pre { background: #f3f5f8; padding: .6rem; border-radius: 4px; overflow: auto; font-size: 12px; max-height: 24rem; }
table { border-collapse: collapse; font-size: 13px; } td, th { border: 1px solid #d8dde6; padding: .25rem .5rem; text-align: left; vertical-align: top; }
</style>
</head>
<body>
<header><h1>Salescast API</h1><div id="version"></div></header>
<main>
<p id="description"></p>
<p>Machine-readable contract: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav id="nav"></nav>
<div id="ops">Loading…</div>
</main>
<script src="/docs/docs.js"></script>
</body>
</html>
`;

export const DOCS_JS = `(function () {
  'use strict';
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function resolve(doc, schema) {
    if (schema && schema.$ref) return doc.components.schemas[schema.$ref.split('/').pop()] || schema;
    return schema;
  }
  function pre(obj) { return el('pre', { text: JSON.stringify(obj, null, 2) }); }
  fetch('/openapi.json').then(function (r) { return r.json(); }).then(function (doc) {
    document.getElementById('version').textContent = 'version ' + doc.info.version + ' · OpenAPI ' + doc.openapi;
    document.getElementById('description').textContent = doc.info.description || '';
    var byTag = {};
    Object.keys(doc.paths).forEach(function (p) {
      Object.keys(doc.paths[p]).forEach(function (m) {
        var op = doc.paths[p][m];
        (byTag[op.tags[0]] = byTag[op.tags[0]] || []).push({ path: p, method: m, op: op });
      });
    });
    var ops = document.getElementById('ops'); ops.textContent = '';
    var nav = document.getElementById('nav');
    Object.keys(byTag).sort().forEach(function (tag) {
      nav.appendChild(el('a', { href: '#tag-' + tag, text: tag }));
      ops.appendChild(el('h2', { id: 'tag-' + tag, text: tag }));
      byTag[tag].forEach(function (o) {
        var body = el('div', { 'class': 'body' });
        if (o.op.description) body.appendChild(el('p', { text: o.op.description }));
        if (o.op.parameters && o.op.parameters.length) {
          var t = el('table', {}, [el('tr', {}, [el('th', { text: 'parameter' }), el('th', { text: 'in' }), el('th', { text: 'required' }), el('th', { text: 'schema' })])]);
          o.op.parameters.forEach(function (prm) {
            t.appendChild(el('tr', {}, [el('td', { text: prm.name }), el('td', { text: prm.in }), el('td', { text: prm.required ? 'yes' : 'no' }), el('td', { text: (prm.description ? prm.description + ' ' : '') + JSON.stringify(prm.schema) })]));
          });
          body.appendChild(t);
        }
        if (o.op.requestBody) {
          // Named schemas ($ref) are listed under "Schemas" at the end of the page.
          body.appendChild(el('h4', { text: 'Request body' }));
          body.appendChild(pre(resolve(doc, o.op.requestBody.content['application/json'].schema)));
        }
        Object.keys(o.op.responses).forEach(function (status) {
          var r = o.op.responses[status];
          body.appendChild(el('h4', { text: status + ' — ' + r.description }));
          if (status < '400' && r.content) body.appendChild(pre(resolve(doc, r.content['application/json'].schema)));
        });
        ops.appendChild(el('details', { 'class': 'op', id: o.op.operationId }, [
          el('summary', {}, [el('span', { 'class': 'method ' + o.method, text: o.method }), el('span', { 'class': 'path', text: o.path }), el('span', { text: o.op.summary }), el('span', { 'class': 'scope', text: o.op['x-required-scope'] ? 'scope: ' + o.op['x-required-scope'] : 'public' })]),
          body,
        ]));
      });
    });
    var schemas = doc.components && doc.components.schemas ? doc.components.schemas : {};
    ops.appendChild(el('h2', { id: 'schemas', text: 'Schemas' }));
    nav.appendChild(el('a', { href: '#schemas', text: 'Schemas' }));
    Object.keys(schemas).sort().forEach(function (name) {
      ops.appendChild(el('details', { 'class': 'op schema', id: 'schema-' + name }, [
        el('summary', {}, [el('span', { 'class': 'path', text: name }), el('span', { text: schemas[name].description || '' })]),
        el('div', { 'class': 'body' }, [pre(schemas[name])]),
      ]));
    });
  }).catch(function (e) { document.getElementById('ops').textContent = 'Could not load /openapi.json: ' + e; });
})();
`;

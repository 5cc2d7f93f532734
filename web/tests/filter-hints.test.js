import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterHints, applyHint, tokenize, clauseFor, addClause } from '../js/lib/filter-hints.js';

const keys = { metrics: ['acc', 'loss', 'val loss'], params: ['lr', 'layers'], tags: ['mlflow.user'] };
const labels = (r) => r.items.map((i) => i.label);

test('tokenize', () => {
  const t = tokenize("metrics.acc >= 0.5 and params.lr = '0.01'");
  assert.deepEqual(t.map((x) => x.type), ['ident', 'op', 'number', 'and', 'ident', 'op', 'string']);
  assert.equal(tokenize('tags.`a b` = "x"')[0].text, 'tags.`a b`');
});

test('empty input suggests prefixes', () => {
  const r = filterHints('', 0, keys);
  assert.deepEqual(labels(r).slice(0, 4), ['metrics.', 'params.', 'tags.', 'attributes.']);
});

test('prefix suggests keys, quoting when needed', () => {
  const r = filterHints('metrics.', 8, keys);
  assert.deepEqual(labels(r), ['metrics.acc', 'metrics.loss', 'metrics.`val loss`']);
  const p = filterHints('params.l', 8, keys);
  assert.deepEqual(labels(p), ['params.lr', 'params.layers']);
  const t = filterHints('tags.ml', 7, keys);
  assert.deepEqual(labels(t), ['tags.`mlflow.user`']);
});

test('bare word suggests matching keys', () => {
  const r = filterHints('ac', 2, keys);
  assert.ok(labels(r).includes('metrics.acc'));
});

test('operators after an identifier, "and" after a value', () => {
  assert.ok(labels(filterHints('metrics.acc ', 12, keys)).includes('>'));
  assert.ok(labels(filterHints('params.lr ', 10, keys)).includes('LIKE'));
  assert.deepEqual(labels(filterHints("params.lr = '0.1' ", 18, keys)), ['and']);
  assert.deepEqual(labels(filterHints('metrics.acc > 0.5 a', 19, keys)), ['and']);
  assert.deepEqual(labels(filterHints('metrics.acc > ', 14, keys)), []);
});

test('status values', () => {
  assert.ok(labels(filterHints("attributes.status = 'RU", 23, keys)).includes("'RUNNING'"));
});

test('applyHint replaces the partial token', () => {
  const text = 'metrics.acc > 0.5 and par';
  const r = filterHints(text, text.length, keys);
  const item = r.items.find((i) => i.label === 'params.');
  const out = applyHint(text, r, item);
  assert.equal(out.text, 'metrics.acc > 0.5 and params.');
  assert.equal(out.cursor, out.text.length);
});

test('clauseFor and addClause', () => {
  assert.equal(clauseFor('param', 'lr', '0.01'), "params.lr = '0.01'");
  assert.equal(clauseFor('param', 'my key', "it's"), "params.`my key` = 'it\\'s'");
  assert.equal(addClause('', 'a = 1'), 'a = 1');
  assert.equal(addClause('b = 2 ', 'a = 1'), 'b = 2 and a = 1');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, raw, escapeHtml, safeUrl, Safe } from '../js/html.js';

test('escapes interpolated text in content and attributes', () => {
  const name = '<img src=x onerror=alert(1)>"\'`&';
  const out = html`<a title="${name}">${name}</a>`;
  assert.ok(out instanceof Safe);
  assert.equal(out.toString(), '<a title="&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&#96;&amp;</a>');
});

test('nested templates and arrays are not double escaped', () => {
  const items = ['a<b', 'c'];
  const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
  assert.equal(out.toString(), '<ul><li>a&lt;b</li><li>c</li></ul>');
});

test('null/undefined/false render nothing; numbers render', () => {
  assert.equal(html`${null}${undefined}${false}${0}`.toString(), '0');
});

test('raw is explicit', () => {
  assert.equal(html`${raw('<b>x</b>')}`.toString(), '<b>x</b>');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
});

test('safeUrl blocks script and data schemes', () => {
  assert.equal(safeUrl('javascript:alert(1)'), '#');
  assert.equal(safeUrl(' java\tscript:alert(1)'), '#');
  assert.equal(safeUrl('data:text/html,x'), '#');
  assert.equal(safeUrl('//evil.example'), '#');
  assert.equal(safeUrl('#/runs/1'), '#/runs/1');
  assert.equal(safeUrl('/api/2.0/x'), '/api/2.0/x');
  assert.equal(safeUrl('https://github.com/a/b'), 'https://github.com/a/b');
});

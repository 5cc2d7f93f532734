import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricSections, metricSectionId, sectionTitle, naturalCompare, toggleFold, UNPREFIXED, SYSTEM } from '../js/lib/metric-sections.js';

const shape = (sections) => sections.map((s) => [s.id, s.title, s.keys]);

test('sections by prefix: unprefixed first, prefixes alphabetically, System last', () => {
  const keys = ['system/memory_rss_megabytes', 'val/acc', 'lr', 'train/loss', 'system/cpu_utilization_percentage', 'loss', 'train/acc'];
  assert.deepEqual(shape(metricSections(keys)), [
    ['', 'Metrics', ['loss', 'lr']],
    ['train', 'train', ['train/acc', 'train/loss']],
    ['val', 'val', ['val/acc']],
    ['system', 'System', ['system/cpu_utilization_percentage', 'system/memory_rss_megabytes']],
  ]);
  // the input order does not matter
  assert.deepEqual(metricSections([...keys].reverse()), metricSections(keys));
  // the input is not changed
  assert.equal(keys[0], 'system/memory_rss_megabytes');
});

test('no sections to split: empty list, one prefix everywhere, only unprefixed names', () => {
  assert.deepEqual(metricSections([]), []);
  assert.deepEqual(metricSections(), []);
  assert.deepEqual(shape(metricSections(['train/loss', 'train/acc'])), [['train', 'train', ['train/acc', 'train/loss']]]);
  assert.deepEqual(shape(metricSections(['loss', 'acc'])), [['', 'Metrics', ['acc', 'loss']]]);
  assert.deepEqual(shape(metricSections(['system/cpu'])), [['system', 'System', ['system/cpu']]]);
});

test('names in natural order, numbers compared as numbers, without repeats', () => {
  const [s] = metricSections(['layer_10/w', 'layer_2/w', 'layer_1/w', 'layer_2/w']);
  assert.deepEqual(shape(metricSections(['layer_10/w', 'layer_2/w', 'layer_1/w', 'layer_2/w'])).map((x) => x[0]), ['layer_1', 'layer_2', 'layer_10']);
  assert.equal(s.id, 'layer_1');
  assert.deepEqual(metricSections(['acc_10', 'acc_9', 'acc_1', 'acc_9'])[0].keys, ['acc_1', 'acc_9', 'acc_10']);
  assert.deepEqual(metricSections(['system/gpu_10_utilization_percentage', 'system/gpu_2_utilization_percentage', 'x'])[1].keys,
    ['system/gpu_2_utilization_percentage', 'system/gpu_10_utilization_percentage']);
});

test('odd names: leading or trailing slash, double slash, a lone slash', () => {
  assert.equal(metricSectionId('/loss'), UNPREFIXED); // an empty prefix is no prefix
  assert.equal(metricSectionId('/'), UNPREFIXED);
  assert.equal(metricSectionId('train/'), 'train');
  assert.equal(metricSectionId('a//b'), 'a');
  assert.equal(metricSectionId('a/b/c'), 'a'); // the first slash decides
  assert.equal(metricSectionId('system'), UNPREFIXED); // "system" without a slash is an ordinary name
  assert.equal(metricSectionId('system/'), SYSTEM);
  assert.deepEqual(shape(metricSections(['/loss', '/', 'train/', 'a//b', 'a/b/c', 'system', 'system/'])), [
    ['', 'Metrics', ['/', '/loss', 'system']],
    ['a', 'a', ['a//b', 'a/b/c']],
    ['train', 'train', ['train/']],
    ['system', 'System', ['system/']],
  ]);
});

test('prefixes are compared as written: case and spaces make other sections', () => {
  const ids = metricSections(['System/cpu', 'system/cpu', 'Train/a', 'train/a', 'my run/a']).map((s) => s.id);
  assert.equal(ids.at(-1), 'system'); // only the lower-case one is the machine metrics' section
  assert.deepEqual(new Set(ids), new Set(['System', 'system', 'Train', 'train', 'my run']));
  assert.equal(sectionTitle('System'), 'System');
  assert.equal(sectionTitle('my run'), 'my run');
});

test('unicode names', () => {
  const keys = ['état/précision', 'Über/x', 'über/y', '学习/损失', 'zeta/z', 'ärger/a', 'e\u0301tat/x'];
  const sections = metricSections(keys);
  assert.deepEqual(sections.flatMap((s) => s.keys).sort(), [...keys].sort()); // every name in exactly one section
  const ids = sections.map((s) => s.id);
  assert.ok(ids.indexOf('ärger') < ids.indexOf('zeta'), ids); // locale order, not code units
  assert.ok(ids.indexOf('état') < ids.indexOf('zeta'), ids);
  assert.equal(sections.find((s) => s.id === '学习').keys[0], '学习/损失');
  // "é" and "e + combining accent" are different names: separate, in a stable order
  assert.ok(ids.includes('état') && ids.includes('e\u0301tat'));
  assert.deepEqual(metricSections([...keys].reverse()), sections);
});

test('many sections', () => {
  const keys = [];
  for (let i = 0; i < 60; i++) for (const m of ['loss', 'acc']) keys.push(`head_${i}/${m}`);
  keys.push('lr', 'system/cpu_utilization_percentage');
  const sections = metricSections(keys);
  assert.equal(sections.length, 62);
  assert.equal(sections[0].id, '');
  assert.equal(sections.at(-1).id, 'system');
  assert.deepEqual(sections.slice(1, 4).map((s) => s.id), ['head_0', 'head_1', 'head_2']);
  assert.equal(sections[60].id, 'head_59');
  assert.ok(sections.slice(1, -1).every((s) => s.keys.length === 2 && s.keys[0].endsWith('/acc')));
});

test('naturalCompare is a total order', () => {
  assert.ok(naturalCompare('a2', 'a10') < 0);
  assert.ok(naturalCompare('b', 'a') > 0);
  assert.equal(naturalCompare('x', 'x'), 0);
  assert.notEqual(naturalCompare('\u00e9', 'e\u0301'), 0); // canonically equal, still two names
});

test('toggleFold folds and unfolds one id, keeping the others', () => {
  assert.deepEqual(toggleFold([], 'system'), ['system']);
  assert.deepEqual(toggleFold(['system'], 'val'), ['system', 'val']);
  assert.deepEqual(toggleFold(['system', 'val'], 'system'), ['val']);
  assert.deepEqual(toggleFold(['system', 'system'], 'system'), []);
  assert.deepEqual(toggleFold(undefined, ''), ['']);
});

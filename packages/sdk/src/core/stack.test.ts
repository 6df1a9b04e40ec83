import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseStack } from './stack.js';

it('parses V8 stacks oldest call first, marking library and runtime frames', () => {
  const stack = [
    'TypeError: invalid price: abc',
    '    at parsePrice (file:///srv/shop/app.mjs:20:9)',
    '    at Array.reduce (<anonymous>)',
    '    at /srv/shop/node_modules/lib/index.js:3:1',
    '    at async ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
  ].join('\n');
  assert.deepEqual(parseStack(stack), [
    { filename: 'node:internal/modules/esm/module_job', function: 'async ModuleJob.run', lineno: 325, colno: 25, in_app: false },
    { filename: '/srv/shop/node_modules/lib/index.js', function: '?', lineno: 3, colno: 1, in_app: false },
    { filename: '/srv/shop/app.mjs', function: 'parsePrice', lineno: 20, colno: 9, in_app: true },
  ]);
});

it('parses Firefox and Safari stacks', () => {
  const stack = 'validateCart@http://h/app.js:12133:35\n@http://h/app.js:1:2\n';
  assert.deepEqual(
    parseStack(stack).map((f) => [f.function, f.lineno]),
    [
      ['?', 1],
      ['validateCart', 12133],
    ],
  );
});

it('ignores lines that are not frames', () => {
  assert.deepEqual(parseStack('Error: x\n    at <anonymous>\nwhatever'), []);
});

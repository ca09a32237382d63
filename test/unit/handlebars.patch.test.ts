import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * patches/handlebars+4.7.10.patch (applied by `npm install` through patch-package)
 * lets a template reuse, from one top-level call to the next, the helpers it wrapped,
 * its hooks and its prototype access control, as long as the helpers given are the
 * same functions and no prototype access is allowed. These tests hold it to that: any
 * change to the helpers, and any call that allows prototype access, is set up afresh,
 * exactly as the library does it unpatched.
 */
const runtimeFile = createRequire(import.meta.url).resolve('handlebars').replace(/lib[/\\]index\.js$/, 'dist/cjs/handlebars/runtime.js');

describe('the Handlebars patch', () => {
  it('is applied (npm install runs patch-package)', () => {
    expect(readFileSync(runtimeFile, 'utf8')).toContain('Patched (guichet)');
  });

  it('uses a helper registered on the environment between two calls', () => {
    const hb = Handlebars.create();
    const template = hb.compile('{{#if (known)}}yes{{else}}no{{/if}}');
    const helpers = { known: () => false };
    expect(template({}, { helpers })).toBe('no');
    hb.registerHelper('shout', (text: unknown) => String(text).toUpperCase());
    const shouting = hb.compile('{{shout "a"}} {{#if (known)}}yes{{else}}no{{/if}}');
    expect(shouting({}, { helpers })).toBe('A no');
    expect(template({}, { helpers })).toBe('no');
    hb.unregisterHelper('shout');
    expect(() => shouting({}, { helpers })).toThrow(/Missing helper: "shout"/);
  });

  it('uses the helpers given, even when the same object is given again with a helper replaced', () => {
    const hb = Handlebars.create();
    const template = hb.compile('{{greet "Jeanne"}}');
    const helpers: Record<string, Handlebars.HelperDelegate> = { greet: (name: unknown) => `Bonjour ${String(name)}` };
    expect(template({}, { helpers })).toBe('Bonjour Jeanne');
    helpers.greet = (name: unknown) => `Hello ${String(name)}`;
    expect(template({}, { helpers })).toBe('Hello Jeanne');
    expect(template({}, { helpers: { greet: () => 'autre' } })).toBe('autre');
    helpers.extra = () => 'x';
    expect(template({}, { helpers })).toBe('Hello Jeanne');
  });

  it('grants prototype access to the call that allows it, and only to that call', () => {
    class Order {
      get total() {
        return 42;
      }
    }
    const hb = Handlebars.create();
    const template = hb.compile('[{{order.total}}]');
    const context = { order: new Order() };
    const denied = template(context);
    expect(template(context, { allowProtoPropertiesByDefault: true })).toBe('[42]');
    expect(template(context)).toBe(denied);
    expect(denied).toBe('[]');
  });

  it('keeps helperMissing a hook, as unpatched: a missing helper is an error in strict mode', () => {
    const hb = Handlebars.create();
    const template = hb.compile('{{nothere 1}}', { strict: true });
    expect(() => template({})).toThrow();
    expect(() => template({})).toThrow();
    expect(template({}, { helpers: { nothere: () => 'now here' } })).toBe('now here');
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, addressKeys, otherSpelling } from '../../server/src/core/addressKey';
import { Interner } from '../../server/src/core/columns';

test('both spellings of an internationalized domain have one key; other addresses are their own key', () => {
  assert.equal(addressKey('anna@bücher.example'), 'anna@xn--bcher-kva.example');
  assert.equal(addressKey('anna@xn--bcher-kva.example'), 'anna@xn--bcher-kva.example');
  assert.equal(addressKey('recipient@example.com'), 'recipient@example.com');
  // A decomposed ü (u + combining diaeresis) in the local part is the composed one.
  assert.equal(addressKey('ju\u0308rgen@example.com'), 'j\u00fcrgen@example.com');
  assert.equal(addressKey(''), '');
  assert.equal(addressKey('(no at sign) é'), '(no at sign) é');
});

test('the other spelling goes from UTF-8 to punycode and back, and is undefined for plain domains', () => {
  assert.equal(otherSpelling('anna@bücher.example'), 'anna@xn--bcher-kva.example');
  assert.equal(otherSpelling('anna@xn--bcher-kva.example'), 'anna@bücher.example');
  assert.equal(otherSpelling('jürgen@example.com'), undefined);
  assert.equal(otherSpelling('no-address'), undefined);
});

test('addressKeys maps ids to key ids, interning missing keys before returning', () => {
  const strings = new Interner();
  const utf8 = strings.id('anna@bücher.example');
  const plain = strings.id('b@example.com');
  const keys = addressKeys(strings);
  assert.equal(keys.length, strings.values.length);
  assert.equal(strings.get(keys[utf8]), 'anna@xn--bcher-kva.example');
  assert.equal(keys[plain], plain);
  assert.equal(keys[keys[utf8]], keys[utf8]);
});

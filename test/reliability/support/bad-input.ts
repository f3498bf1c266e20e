// Bad requests for one OpenAPI operation, generated with fast-check from the document every service serves, and a
// plain node:http sender that shows the raw answer (fetch would refuse or rewrite much of what is sent here).
import { Agent, request } from 'node:http';
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  service: string;
  baseUrl: string;
  method: string;
  /** As the document has it, with `{name}` path parameters. */
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
  public: boolean;
}

interface OpenApiOperation {
  parameters: Parameter[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
  security: unknown[];
}

/** Every operation of one service's /openapi.json. */
export function operationsOf(service: string, baseUrl: string, document: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      service,
      baseUrl,
      method: method.toUpperCase(),
      path,
      parameters: op.parameters,
      body: op.requestBody?.content['application/json'].schema,
      public: op.security.length === 0,
    })),
  );
}

export const keyOf = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

export interface BadRequest {
  method: string;
  /** Percent-encoded path and query, sent as is. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was wrong with it, for failure messages. */
  what: string[];
}

/** What a route's generator may draw besides made-up values. */
export interface RouteContext {
  /** Real values (ids, tokens, emails…) for a parameter or body field of this name, so handlers past validation run. */
  known: (name: string) => string[] | undefined;
  /** The Authorization headers to send; the first is the caller most requests use. */
  callers: { main: string; others: (string | undefined)[] };
  /** Headers the route reads besides the document's parameters (forward-auth's x-original-*, a purge's confirmation). */
  extraHeaders?: fc.Arbitrary<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------------------------------
// Values

const KB = 1024;
const huge = 'x'.repeat(100 * KB);
const hugeEmoji = '😀'.repeat(25 * KB); // 100 KB of UTF-8
const hugeNul = 'a\u0000'.repeat(50 * KB);

function nested(depth: number, leaf: unknown, wrap: (inner: unknown) => unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}
const deepArray = nested(1000, [], (inner) => [inner]);
const deepObject = nested(1000, {}, (inner) => ({ a: inner }));

/** Text that has broken parsers, databases and loggers before. */
const nastyText = fc.oneof(
  fc.constantFrom(
    '', ' ', '   ', '\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\uD83D', '😀🎉👩‍👩‍👧‍👦', '\u202Egnp.exe\u202C', 'שלום עולם', 'مرحبا بالعالم',
    '\uFEFFbom', 'e\u0301\u0301\u0301', '\r\n\t', '\u2028\u2029', '%00', '%', '%FF', '../../../etc/passwd', "' OR '1'='1", '"; DROP TABLE users; --',
    '<script>alert(1)</script>', '${jndi:ldap://x/a}', '{{7*7}}', 'null', 'undefined', 'NaN', '-1', '1e309', '__proto__', 'constructor', '\\', '\\u0000',
    '\x7f', 'Ｆｕｌｌｗｉｄｔｈ', 'İı', 'ß', '*', '**', ':', 'tenant:*', '%s%s%s%n',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(huge, hugeEmoji, hugeNul),
);

const invalidUuid = fc.oneof(
  fc.constantFrom(
    'abc', '1', '-1', '0', 'null', 'undefined', 'me', '00000000-0000-0000-0000-00000000000g', '00000000-0000-0000-0000-0000000000000', '0000000-0000-0000-0000-000000000000',
    '{00000000-0000-4000-8000-000000000000}', '00000000000040008000000000000000', '00000000-0000-0000-0000-000000000001', '00000000-0000-9000-8000-000000000000',
    'ffffffff-ffff-ffff-ffff-fffffffffffff', ' 00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000\n', '1 OR 1=1', "'",
  ),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => id.replace(/-/g, '')),
  fc.uuid().map((id) => `${id}x`),
  fc.uuid().map((id) => id.slice(0, 35)),
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -0, 0.5, -1),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constant(deepArray),
  fc.constant(deepObject),
  fc.string({ maxLength: 10 }),
);

const sortish = fc.oneof(
  fc.constantFrom('name:asc', 'created_at:desc', 'email:asc', 'bogus:asc', 'name', 'name:', ':asc', 'name:up', 'name:asc:desc', 'NAME:ASC', 'name:asc,slug:desc', 'name;drop', '-name', 'password_hash:asc', '__proto__:asc'),
  nastyText,
);
const numberish = fc.oneof(
  fc.constantFrom(
    '-1', '0', '1', '2', '20', '50', '100', '101', '100000', '100001', '9007199254740991', '9007199254740993', '1e309', '1e3', '1e21', 'abc', '1.5', '', ' 1', '0x10',
    'Infinity', '-Infinity', 'NaN', '99999999999999999999999', '-0', '١', '٣', '1,000', '1_000', 'true', '[]',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A value that satisfies `schema` (or a real one for this name, when the route knows some). */
function validValue(schema: JsonSchema, name: string, context: RouteContext): fc.Arbitrary<unknown> {
  const known = context.known(name);
  const made = madeUpValue(schema, name, context);
  return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: made }) : made;
}

function madeUpValue(schema: JsonSchema, name: string, context: RouteContext): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof({ weight: 4, arbitrary: fc.uuid({ version: 4 }) }, { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff') });
      if (schema.format === 'date-time') return fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 320));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, Math.max(30, schema.minLength ?? 0)), unit: 'grapheme' }).filter((s) => s.trim().length >= (schema.minLength ?? 0));
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e6, max: Math.min(schema.maximum ?? 1e6, 1e6) });
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items ?? {}, name, context), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object':
      return validObject(schema, context);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validObject(schema: JsonSchema, context: RouteContext): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, validValue(property, key, context)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** Just outside what `schema` allows: one too long, one too many, out of range, off-pattern. */
function boundaryValue(schema: JsonSchema, context: RouteContext): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.enum) options.push(fc.constantFrom('bogus', '', String(schema.enum[0]).toUpperCase(), `${String(schema.enum[0])} `));
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) options.push(fc.constant('a'.repeat(schema.maxLength + 1)), fc.constant('😀'.repeat(schema.maxLength + 1)));
    if (schema.minLength) options.push(fc.constant('a'.repeat(schema.minLength - 1)), fc.constant(' '.repeat(schema.minLength + 1)));
    if (schema.format === 'uuid') options.push(invalidUuid);
    if (schema.format === 'date-time') options.push(fc.constantFrom('2024-02-30T00:00:00Z', '2024-01-01', '2024-01-01T00:00:00', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', 'yesterday', '2024-01-01T25:00:00Z'));
    if (schema.pattern || schema.format === 'email') options.push(fc.constantFrom('UPPER_CASE', 'a b', '-leading', 'trailing-', '@', 'a@', '@b.c', 'a@b', 'x'.repeat(400)));
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    options.push(fc.constantFrom(1.5, '5', 1e21, -1e21, 2 ** 53, Number.MAX_VALUE));
    if (schema.minimum !== undefined) options.push(fc.constant(schema.minimum - 1));
    if (schema.maximum !== undefined) options.push(fc.constant(schema.maximum + 1));
  }
  if (schema.type === 'array') {
    options.push(fc.constant([]), fc.array(badValue(schema.items ?? {}, context), { minLength: 1, maxLength: 3 }));
    if (schema.maxItems !== undefined) options.push(fc.constant(Array.from({ length: schema.maxItems + 1 }, () => 'admin')));
    if (schema.items?.type === 'object') options.push(fc.array(mutatedObject(schema.items, context), { minLength: 1, maxLength: 3 }));
  }
  if (schema.type === 'object') options.push(mutatedObject(schema, context));
  return options.length ? fc.oneof(...options) : wrongType;
}

/** A value `schema` refuses, or one that is only odd. */
function badValue(schema: JsonSchema, context: RouteContext): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 2, arbitrary: wrongType }, { weight: 2, arbitrary: nastyText }, { weight: 3, arbitrary: boundaryValue(schema, context) });
}

type Mutation = (body: Record<string, unknown>) => Record<string, unknown>;

function mutation(schema: JsonSchema, context: RouteContext): fc.Arbitrary<Mutation> {
  const keys = Object.keys(schema.properties ?? {});
  const withoutKey = (key: string): Mutation => (body) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));
  const withKey = (key: string, value: unknown): Mutation => (body) => {
    const copy = { ...body };
    // defineProperty: `__proto__` must become an own key that JSON.stringify sends, not the prototype.
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    return copy;
  };
  const options: fc.Arbitrary<Mutation>[] = [
    fc.tuple(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'status', 'platform_roles', 'tenant_id', 'admin')), fc.jsonValue({ maxDepth: 3 })).map(([k, v]) => withKey(k, v)),
  ];
  if (keys.length) {
    options.push(
      fc.constantFrom(...keys).map(withoutKey),
      fc.constantFrom(...keys).chain((k) => badValue(schema.properties![k], context).map((v) => withKey(k, v))),
      fc.constantFrom(...keys).chain((k) => badValue(schema.properties![k], context).map((v) => withKey(k, v))),
    );
  }
  return fc.oneof(...options);
}

function mutatedObject(schema: JsonSchema, context: RouteContext): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(validObject(schema, context), fc.array(mutation(schema, context), { minLength: 1, maxLength: 3 })).map(([body, changes]) => changes.reduce((b, change) => change(b), body));
}

// ---------------------------------------------------------------------------------------------------------------------
// Bodies

interface SentBody {
  contentType?: string;
  contentEncoding?: string;
  bytes?: Buffer;
  what: string;
}

const json = (what: string, contentType = 'application/json') => (value: unknown): SentBody => ({ contentType, bytes: Buffer.from(JSON.stringify(value) ?? 'null'), what });
const text = (what: string, contentType?: string) => (value: string | Buffer): SentBody => ({ contentType, bytes: Buffer.isBuffer(value) ? value : Buffer.from(value), what });

const malformedJson = fc.oneof(
  fc.constantFrom(
    '{', '}', '{"a":', '{"a":1,}', "{'a':1}", '{a:1}', '[1,2', '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '\uFEFF{}', '', ' ', 'nul', 'tru', '{"a":"\\u12"}',
    '{"a":"\\x41"}', '{"a":01}', '{"a":1}{"b":2}', '{"a":1} trailing', '/* c */ {}', '{"a":"unterminated}', '{"a"\u0000:1}', '\u0000', '[' .repeat(10_000), '{"a":'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
).map(text('malformed JSON', 'application/json'));

const invalidUtf8 = fc.constantFrom(
  Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  Buffer.from([0xc0, 0xaf, 0x7b, 0x7d]),
).map(text('invalid UTF-8', 'application/json'));

const topLevelWrong = fc.oneof(
  fc.constantFrom('[]', '[{}]', '"text"', '42', '-1', 'null', 'true', 'false', '1e309', `"${huge}"`, `${'['.repeat(1000)}${']'.repeat(1000)}`, `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
).map(text('top-level not an object', 'application/json'));

const wrongContentType = fc.constantFrom(
  'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/xml', 'text/html', 'application/octet-stream',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus', 'application/jsonx', 'text/json', 'application/vnd.api+json',
  'application/merge-patch+json', 'application/json;;;', 'json', '*/*', '', 'application/json, text/plain', 'application/problem+json',
);

const contentEncoding = fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'bogus', 'gzip, gzip', 'x-gzip');

function bodies(op: Operation, context: RouteContext): fc.Arbitrary<SentBody> {
  const none = fc.constant<SentBody>({ what: 'no body' });
  const junk = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map(json('unexpected JSON body')),
    malformedJson,
    fc.tuple(wrongContentType, fc.string({ maxLength: 50 })).map(([ct, value]) => text(`content-type ${ct}`, ct || undefined)(value)),
  );
  if (!op.body) return fc.oneof({ weight: 6, arbitrary: none }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: fc.constant(text('100 KB body')(huge)) });
  const valid = validObject(op.body, context);
  const mutated = mutatedObject(op.body, context);
  return fc.oneof(
    { weight: 3, arbitrary: valid.map(json('valid body')) },
    { weight: 10, arbitrary: mutated.map(json('mutated body')) },
    { weight: 1, arbitrary: mutated.map(json('mutated body as +json', 'application/vnd.api+json; charset=utf-8')) },
    { weight: 1, arbitrary: topLevelWrong },
    { weight: 2, arbitrary: malformedJson },
    { weight: 1, arbitrary: invalidUtf8 },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.option(wrongContentType, { nil: undefined })).map(([value, ct]) => text(`valid JSON as ${ct ?? 'no content-type'}`, ct || undefined)(JSON.stringify(value))),
    },
    { weight: 1, arbitrary: fc.tuple(valid, contentEncoding).map(([value, encoding]): SentBody => ({ ...json(`valid JSON with content-encoding ${encoding}`)(value), contentEncoding: encoding })) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        valid.map((value) => json('over the 1 MB limit')({ ...value, padding: 'x'.repeat(1100 * KB) })),
        fc.constant({ ...json('deep array body')(null), bytes: Buffer.from(`{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`) }),
        fc.constant(json('deep object body')(deepObject)),
      ),
    },
    { weight: 1, arbitrary: none },
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Paths, queries, headers

/** encodeURIComponent that also sends lone surrogates, as the invalid UTF-8 a careless client would. */
export function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value].map((ch) => {
      const code = ch.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff) return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
      return encodeURIComponent(ch);
    }).join('');
  }
}

/** Segments sent without encoding: broken percent escapes, dot segments, encoded slashes. */
const rawSegment = fc.constantFrom('%', '%zz', '%FF', '%FF%FE', '%C0%AF', '%00', '%2e%2e', '..', '.', '%2F', 'a%2Fb', ';', ';a=b', '~', '%E2%80%AE', '%ED%A0%80', 'x'.repeat(20 * KB));

function pathValue(param: Parameter, context: RouteContext): fc.Arbitrary<string> {
  const known = context.known(param.name) ?? [];
  const made = param.schema.format === 'uuid' ? fc.oneof(fc.uuid({ version: 4 }), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff')) : fc.string({ minLength: 1, maxLength: 40 });
  return fc.oneof(
    ...(known.length ? [{ weight: 6, arbitrary: fc.constantFrom(...known).map(encode) }] : []),
    { weight: 2, arbitrary: made.map(encode) },
    { weight: 2, arbitrary: invalidUuid.map(encode) },
    { weight: 1, arbitrary: nastyText.filter((s) => s.length < 8 * KB).map(encode) },
    { weight: 1, arbitrary: rawSegment },
  );
}

function queryValue(param: Parameter, context: RouteContext): fc.Arbitrary<string> {
  const special = /page|limit/.test(param.name) ? numberish : param.name === 'sort' ? sortish : undefined;
  const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
  return fc.oneof(
    { weight: 3, arbitrary: validValue(param.schema, param.name, context).map(asText) },
    { weight: 2, arbitrary: badValue(param.schema, context).map(asText).filter((s) => s.length < 12 * KB) },
    ...(special ? [{ weight: 3, arbitrary: special }] : []),
  );
}

function queryString(op: Operation, context: RouteContext): fc.Arbitrary<{ query: string; what: string }> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pairs = fc.tuple(
    fc.tuple(...declared.map((p) => fc.option(queryValue(p, context).map((v) => [p.name, v] as const), { nil: undefined, freq: 2 }))),
    fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('page[]', 'sort[asc]', 'filter[x]', '__proto__', 'constructor', 'q')), fc.string({ maxLength: 20 })), { maxLength: 2 }),
    fc.boolean(),
  ).map(([chosen, extra, repeat]) => {
    const given = chosen.filter((p): p is readonly [string, string] => p !== undefined);
    // A repeated name arrives as an array: ?page=1&page=2.
    const all = [...given, ...(repeat && given.length ? [given[0]] : []), ...extra];
    return { query: all.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'), what: all.length ? `query ${all.map(([k]) => k).join(',')}` : 'no query' };
  });
  const raw = fc.constantFrom('%', '&&&', '=', 'page', 'page=%FF', 'a=%zz', 'page[$gt]=1', 'sort=%00', `${'x=1&'.repeat(3000)}y=2`, `q=${'a'.repeat(20 * KB)}`).map((query) => ({ query, what: `raw query ${query.slice(0, 20)}` }));
  return fc.oneof({ weight: 30, arbitrary: pairs }, { weight: 1, arbitrary: raw });
}

const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

const oddHeaders = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Record<string, string>>({}) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        'x-request-id': fc.oneof(fc.constantFrom('../x', 'a'.repeat(500), 'req-1', '\xff\xfe'), fc.string({ maxLength: 40 }).map(headerSafe)),
        'x-forwarded-for': fc.constantFrom('not-an-ip', '1.2.3.4, 5.6.7.8', '::1', '999.999.999.999', '', 'a'.repeat(2000), '127.0.0.1\xff', 'unknown, , ,'),
        'user-agent': fc.oneof(fc.constantFrom('\xff\xfe\xfd', 'a'.repeat(4000), ''), fc.string({ maxLength: 60 }).map(headerSafe)),
        accept: fc.constantFrom('text/html', 'application/xml', '*/*', 'application/problem+json', 'text/event-stream', 'image/png;q=0'),
        'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'bogus', '*;q=0'),
        'accept-language': fc.constantFrom('he-IL', 'zz', '*'),
      },
      { requiredKeys: [] },
    ),
  },
);

// ---------------------------------------------------------------------------------------------------------------------
// Requests

export function requests(op: Operation, context: RouteContext): fc.Arbitrary<BadRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const path = fc.tuple(...pathParams.map((p) => pathValue(p, context))).map((values) => {
    let index = 0;
    return op.path.replace(/\{[^}]+\}/g, () => values[index++]);
  });
  const auth = fc.oneof(
    { weight: 14, arbitrary: fc.constant(context.callers.main) },
    ...(context.callers.others.length ? [{ weight: 3, arbitrary: fc.constantFrom(...context.callers.others) }] : []),
  );
  return fc
    .record({ path, query: queryString(op, context), body: bodies(op, context), auth, odd: oddHeaders, extra: context.extraHeaders ?? fc.constant({}) })
    .map(({ path: target, query, body, auth: authorization, odd, extra }) => ({
      method: op.method,
      target: query.query ? `${target}?${query.query}` : target,
      headers: {
        ...odd,
        ...extra,
        ...(authorization === undefined ? {} : { authorization }),
        ...(body.contentType === undefined ? {} : { 'content-type': body.contentType }),
        ...(body.contentEncoding === undefined ? {} : { 'content-encoding': body.contentEncoding }),
      },
      body: body.bytes,
      what: [query.what, body.what, authorization === undefined ? 'anonymous' : authorization === context.callers.main ? 'main caller' : `authorization ${authorization.slice(0, 16)}…`],
    }));
}

/** Garbage Authorization headers, and a tampered copy of a real token. */
export function badAuthorizations(realToken: string): string[] {
  const [header, payload, signature] = realToken.split('.');
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // One bit of the signature flipped (editing its base64 text might decode to the same bytes).
  const flipped = Buffer.from(signature, 'base64url');
  flipped[0] ^= 1;
  return [
    'Bearer',
    'Bearer ',
    'Bearer x',
    'Bearer a.b.c',
    `Bearer ${'a'.repeat(8 * KB)}`,
    'Basic Zm9vOmJhcg==',
    `Token ${realToken}`,
    `Bearer ${realToken} ${realToken}`,
    `Bearer ${header}.${payload}.${flipped.toString('base64url')}`,
    `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    `Bearer ${b64({ alg: 'HS256', typ: 'JWT', kid: '../../etc/passwd' })}.${payload}.${signature}`,
    `Bearer ${header}.${b64({ sub: 'x', exp: 1 })}.${signature}`,
  ];
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
  ms: number;
}

export const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Sends one request as is; a 4xx/5xx body is read in full, a success's body is drained or (streams) dropped. */
export function send(baseUrl: string, req: BadRequest, timeoutMs: number): Promise<Answer> {
  const url = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { agent, host: url.hostname, port: url.port, method: req.method, path: req.target, headers: { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) } },
      (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '');
        if (status < 400 && res.headers['content-length'] === undefined) {
          // An event stream or an export: the status is the answer, the rest may never end.
          res.destroy();
          clearTimeout(timer);
          resolve({ status, contentType, body: '', ms: performance.now() - started });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status, contentType, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(req.body);
  });
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MODULES } from '../../modules/index.js';
import { configurationPage, ENV_PATTERNS, renderConfigurationPage } from '../../scripts/docs/configuration.js';
import { documentedNames, envRows, envShape, undocumented } from '../../scripts/docs/env-table.js';
import { coreSchema } from '../../src/config/core-schema.js';
import type { Env } from '../../src/config/env.js';
import { opsSchema } from '../../src/config/ops-config.js';
import { securitySchema } from '../../src/config/security.js';
import { sourcesSchema } from '../../src/config/sources.js';
import { Hub } from '../../src/hub.js';
import { parseHubSettings } from '../../src/hub-settings.js';
import { createLogger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';
import { createTestDatabase } from '../support/database.js';

/**
 * docs/reference/configuration.md is the one table of environment variables, written by `npm run docs` from the
 * schemas that parse them. These tests keep it so: the page is what the script writes, every variable a starting
 * hub reads is on it (with words), and `.env.example` names what the table names.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const page = configurationPage();
const names = documentedNames(page.groups);
const byPattern = (name: string) => ENV_PATTERNS.some((pattern) => pattern.matches.test(name));

describe('docs/reference/configuration.md', () => {
  it('is what `npm run docs` writes from the configuration schemas', async () => {
    const committed = await readFile(path.join(ROOT, 'docs/reference/configuration.md'), 'utf8');
    expect(committed).toBe(renderConfigurationPage());
  });

  it('gives every variable words, each in one place', () => {
    expect(names.length).toBeGreaterThan(80);
    expect(undocumented(page.groups)).toEqual([]);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it("shows every variable of the core's schemas and of every module's", () => {
    const schemas = [coreSchema, opsSchema, securitySchema, sourcesSchema, ...MODULES.map((m) => m.configSchema)];
    const read = schemas.flatMap((schema) => Object.keys(envShape(schema)));
    expect(read.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('documents every variable a starting hub reads, by name or by pattern', async () => {
    const database = await createTestDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'alvares-env-'));
    const given: Env = {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      SCHEDULE_CORE_INSIGHTS_WEEKLY: 'off',
    };
    const read = new Set<string>();
    // Every lookup is recorded, so a variable read outside any schema (a plain `env.NAME`) is caught too.
    const env = new Proxy(given, {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return target[key as string];
      },
      has(target, key) {
        if (typeof key === 'string') read.add(key);
        return key in target;
      },
    });
    const logger = createLogger({ level: 'error', redactor: new Redactor(), silent: true, json: true });
    const hub = new Hub({ env, modules: MODULES, logger });
    try {
      await hub.start();
    } finally {
      await hub.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
    expect(read.size).toBeGreaterThan(80);
    expect([...read].filter((name) => !names.includes(name) && !byPattern(name))).toEqual([]);
  });

  it("is linked from each module's README, which repeats no variable's row", async () => {
    const repeated: string[] = [];
    for (const definition of MODULES) {
      const file = `modules/${definition.name}/README.md`;
      const readme = await readFile(path.join(ROOT, file), 'utf8');
      expect({ file, links: readme.includes('docs/reference/configuration.md') }).toEqual({ file, links: true });
      for (const match of readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`/gm))
        if (names.includes(match[1]!)) repeated.push(`${file}: ${match[1]}`);
    }
    expect(repeated).toEqual([]);
  });

  it('marks a variable secret exactly when the hub redacts its value', () => {
    const rows = page.groups.flatMap((group) => (group.schema === undefined ? [] : envRows(group.schema, group.keys)));
    const redacted: string[] = [];
    for (const { name } of rows) {
      const value = 'k3y-0f-the-table-0123456789';
      const given = /_URL$|_HOST$|_WEB_HOOK$/.test(name) ? `https://hooks.example.com/${value}` : value;
      const env: Env = { [name]: name === 'INGEST_TOKENS' ? `ci:${value}` : given };
      // The mail server's URL is smtp:// and wants its sender beside it.
      if (name === 'SMTP_URL')
        Object.assign(env, { SMTP_URL: `smtp://hub:${value}@mail.example.com`, EMAIL_FROM: 'a@example.com' });
      let settings: ReturnType<typeof parseHubSettings>;
      try {
        settings = parseHubSettings(env, MODULES);
      } catch {
        continue; // not a value this variable takes (a number, a list of pairs): it holds no secret either
      }
      if (!settings.redactor.redact(`before ${given} after`).includes(value)) redacted.push(name);
    }
    const marked = rows.filter((row) => row.secret).map((row) => row.name);
    expect(marked.length).toBeGreaterThan(10);
    expect(redacted.sort()).toEqual(marked.sort());
  });

  it('agrees with .env.example: every variable of the table is there, and nothing else', async () => {
    const example = await readFile(path.join(ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]!);
    expect(listed.filter((name) => !names.includes(name) && !byPattern(name))).toEqual([]);
    expect(names.filter((name) => !listed.includes(name))).toEqual([]);
  });
});

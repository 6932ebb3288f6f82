import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * src/module-api.ts is all that modules see of the core. Its surface is listed here, so a name added to it is a
 * decision made in review rather than a drift; and it holds only what some module uses, so the core can change
 * behind it freely.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

const SURFACE = [
  'addressesForDeployment',
  'addressesForError',
  'addressesForRecommendation',
  'addressesForWeekly',
  'allowAddresses',
  'AnyModuleDefinition',
  'Batcher',
  'Card',
  'cardRender',
  'CheckFinished',
  'CheckResult',
  'CheckStatus',
  'ClusterHosts',
  'codeForStatus',
  'CoreConfig',
  'createIncidentNotifier',
  'createProviderTargets',
  'createUrlGuard',
  'cut',
  'Db',
  'defineInspection',
  'defineModule',
  'DeliveryContext',
  'DeliveryError',
  'Deployment',
  'DigestEntry',
  'doc',
  'Enablement',
  'envBool',
  'envInt',
  'envList',
  'envString',
  'envUrl',
  'envUrlWithDefault',
  'ErrorReport',
  'HubError',
  'HubEvent',
  'IncidentProvider',
  'InspectionEvent',
  'InspectionTransition',
  'isHttpUrl',
  'isPermanentStatus',
  'isPostgresTimeText',
  'isUuid',
  'Logger',
  'maintenanceHeadline',
  'maintenanceLines',
  'maintenanceReason',
  'MaintenancePart',
  'Migration',
  'NotifyProvider',
  'OWN_EVENT_EXTENSION',
  'parseRetryAfter',
  'Posted',
  'PostMetadata',
  'ProviderRender',
  'Recommendation',
  'renderTemplate',
  'Refused',
  'Resolve',
  'startGuardedProxy',
  'storableText',
  'storableTime',
  'TargetRouting',
  'TemplateKind',
  'templateProblem',
  'UpstreamError',
  'UrlGuard',
];

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The names a file exports through `export { … } from` and `export type { … } from`. */
function exportedNames(file: string): string[] {
  return parse(file).statements.flatMap((statement) =>
    ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)
      ? statement.exportClause.elements.map((element) => element.name.text)
      : [],
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

/** The names modules import from src/module-api.ts. */
function namesModulesImport(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles('modules')) {
    for (const statement of parse(file).statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      if (!statement.moduleSpecifier.text.endsWith('src/module-api.js')) continue;
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add((element.propertyName ?? element.name).text);
    }
  }
  return names;
}

const byName = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());

describe('src/module-api.ts', () => {
  const exported = exportedNames('src/module-api.ts');

  it('exports exactly the listed surface: growing it is a decision, made here', () => {
    expect([...exported].sort(byName)).toEqual([...SURFACE].sort(byName));
  });

  it('exports only what some module uses', () => {
    const used = namesModulesImport();
    expect(used.size).toBeGreaterThan(20);
    expect(exported.filter((name) => !used.has(name))).toEqual([]);
  });
});

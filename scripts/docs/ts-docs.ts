import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The words written beside the code: the JSDoc comments of an interface's or an object literal's members,
 * read with the TypeScript compiler's parser (no type checking), so the reference pages quote what the
 * code says about itself instead of a second copy that drifts.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

export interface MemberDoc {
  name: string;
  /** The member's type as written (interfaces), or its initialiser (object literals). */
  type: string;
  optional: boolean;
  doc: string;
}

function sourceOf(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function docOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function nameOf(name: ts.PropertyName, source: ts.SourceFile): string {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : name.getText(source);
}

function find<T extends ts.Node>(source: ts.SourceFile, test: (node: ts.Node) => node is T, name: string): T {
  let found: T | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (test(node) && (node as unknown as { name?: ts.Identifier }).name?.text === name) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  if (!found) throw new Error(`${name} not found in its file`);
  return found;
}

/** An interface's own members (not those it extends), in the order written. */
export function interfaceMembers(file: string, name: string): { doc: string; members: MemberDoc[] } {
  const source = sourceOf(file);
  const declaration = find(source, ts.isInterfaceDeclaration, name);
  const members = declaration.members.filter(ts.isPropertySignature).map((member) => ({
    name: nameOf(member.name, source),
    type: member.type?.getText(source).replace(/\s+/g, ' ') ?? 'unknown',
    optional: member.questionToken !== undefined,
    doc: docOf(member),
  }));
  return { doc: docOf(declaration), members };
}

/** The JSDoc of an exported constant's object literal members: `{ HUB_ERR_TIMEOUT: 'words' }`. */
export function objectMembers(file: string, name: string): MemberDoc[] {
  const source = sourceOf(file);
  const declaration = find(source, ts.isVariableDeclaration, name);
  let initializer = declaration.initializer;
  while (initializer && (ts.isAsExpression(initializer) || ts.isSatisfiesExpression(initializer)))
    initializer = initializer.expression;
  if (!initializer || !ts.isObjectLiteralExpression(initializer)) throw new Error(`${name} is not an object literal`);
  return initializer.properties.filter(ts.isPropertyAssignment).map((property) => ({
    name: nameOf(property.name, source),
    type: property.initializer.getText(source),
    optional: false,
    doc: docOf(property),
  }));
}

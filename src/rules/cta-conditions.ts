import { logicProblems } from 'src/rules/rule-validation';
import type { CatalogItem } from 'src/tenant/catalog';
import type { ConfigProblem } from 'src/tenant/tenant-lifecycle';

/**
 * The parts of a CTA tree that read the rest of the config: each node's `when` is JsonLogic over the turn context
 * (checked like a rule's), and a catalog node's tag must name at least one catalog item, or it would expand into
 * nothing. The tree's own shape is checked by the tenant module before this runs.
 */
export function validateCtaConditions(tree: unknown, catalog: readonly CatalogItem[]): ConfigProblem[] {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree)) return [];
  const tags = new Set(catalog.flatMap((item) => item.tags ?? []));
  const problems: ConfigProblem[] = [];
  for (const [id, raw] of Object.entries(tree as Record<string, unknown>)) {
    if (!raw || typeof raw !== 'object') continue;
    const node = raw as { when?: unknown; source?: unknown; tag?: unknown };
    const field = `ctaTree.${id}.when`;
    if (node.when !== undefined) {
      if (node.when === null) problems.push({ field, message: `CTA "${id}": when must be a JsonLogic expression` });
      else for (const p of logicProblems(node.when, 'when')) problems.push({ field, message: `CTA "${id}": ${p}` });
    }
    if (node.source === 'catalog' && typeof node.tag === 'string' && !tags.has(node.tag))
      problems.push({ field: `ctaTree.${id}.tag`, message: `CTA "${id}": no catalog item has the tag "${node.tag}"` });
  }
  return problems;
}

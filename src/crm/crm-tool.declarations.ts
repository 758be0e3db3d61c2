import type { ToolDeclaration } from 'src/crm/crm-tools.port';

const contactProperties = {
  firstName: { type: 'string', description: "The visitor's first name, as they gave it" },
  lastName: { type: 'string', description: "The visitor's last name, as they gave it" },
  email: { type: 'string', description: 'The email address the visitor gave in this conversation' },
  phone: { type: 'string', description: 'The phone number the visitor gave, in E.164 form (e.g. +14155550100)' },
  company: { type: 'string', description: "The visitor's company, if they named one" },
  message: { type: 'string', description: 'One or two sentences on what the visitor needs' },
};

/**
 * What the model may call. None of them takes a tenant, a CRM or a contact id: the engine binds the current
 * business and the current visitor's contact, so the model can only ever act on the person it is talking to.
 */
export const CRM_TOOL_DECLARATIONS: readonly ToolDeclaration[] = [
  {
    name: 'search_contact',
    description:
      "Check whether the visitor is already in the business's CRM, using the email or phone they gave in this conversation.",
    parameters: {
      type: 'object',
      properties: { email: contactProperties.email, phone: contactProperties.phone },
    },
  },
  {
    name: 'create_contact',
    description:
      "Save the visitor as a contact in the business's CRM once they have given an email or phone. Duplicates are merged automatically.",
    parameters: { type: 'object', properties: contactProperties },
  },
  {
    name: 'update_contact',
    description: "Add details the visitor just gave (e.g. phone or company) to the visitor's existing contact.",
    parameters: { type: 'object', properties: contactProperties },
  },
  {
    name: 'create_deal',
    description:
      'Record a sales opportunity for the visitor (after their contact exists) when they show buying intent.',
    parameters: {
      type: 'object',
      properties: {
        title: { type: 'string', description: 'Short name of the opportunity, e.g. "Water heater replacement"' },
        amount: { type: 'number', description: 'Estimated value, only if the visitor stated a budget' },
        message: contactProperties.message,
      },
      required: ['title'],
    },
  },
];

export type CrmToolName = 'search_contact' | 'create_contact' | 'update_contact' | 'create_deal';

/** Checks arguments against the declaration: known keys only, declared types, required present. */
export function checkToolArgs(decl: ToolDeclaration, args: Record<string, unknown>): string | null {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'arguments must be an object';
  for (const [key, value] of Object.entries(args)) {
    const prop = decl.parameters.properties[key];
    if (!prop) return `unknown argument "${key}"`;
    if (value === null || value === undefined) continue;
    if (prop.type === 'number' ? typeof value !== 'number' || !Number.isFinite(value) : typeof value !== prop.type) {
      return `argument "${key}" must be a ${prop.type}`;
    }
  }
  const missing = (decl.parameters.required ?? []).find(
    (k) => args[k] === undefined || args[k] === null || args[k] === '',
  );
  return missing ? `argument "${missing}" is required` : null;
}

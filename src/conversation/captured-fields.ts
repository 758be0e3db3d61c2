/** Lead fields the platform captures, validated and normalized (phone in E.164). */
export interface CapturedFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  company?: string;
}

export type CapturedField = keyof CapturedFields;

/** Where a join link leads: the sign-up form for that code (served by accounts.ts, shown by admin.ts). */
export const joinPath = (code: string) => `/join/${encodeURIComponent(code)}`;

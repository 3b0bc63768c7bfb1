// Must fail lint: a source file in a folder no layer claims.
export const orphan = true;

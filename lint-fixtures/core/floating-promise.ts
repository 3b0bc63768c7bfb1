// Must fail lint: a promise nobody awaits, whose rejection nobody handles.
async function saveIndex(): Promise<void> {
  throw new Error('disk full');
}
export function onChange(): void {
  saveIndex();
}

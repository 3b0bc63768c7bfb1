// One key per form: sent with the form's create or record request and again with every retry of
// it, so a retry after a lost answer returns what the first request made (see RequestKey in the
// contract) instead of making a second invoice or payment.
export function newRequestKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

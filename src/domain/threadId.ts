/** A Message-ID that no mail has: the root every team mail of a ticket refers to, so mail clients thread them. */
export function ticketThreadId(reference: string, supportAddress: string): string {
  return `<${reference.toLowerCase()}@${supportAddress.split('@')[1] ?? 'guichet.invalid'}>`;
}

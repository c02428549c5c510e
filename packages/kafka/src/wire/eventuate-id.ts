/**
 * Event ids on the wire are in Eventuate's Int128 text form: two halves of
 * 16 hex digits, `000001a222b0596d-02fc000000010000`, which is what Eventuate's
 * subscribers parse (Int128.fromString). A UUID is the same 128 bits: its 32
 * hex digits, split in the middle, lose nothing and keep their order, so
 * ids are converted at the edges and the store keeps UUIDs.
 *
 * Both directions only move dashes, never change a digit or its case: an id
 * read back is exactly the id that was sent, and ids of one width and case
 * compare (as text) in the order of the numbers they write.
 */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const INT128 = /^[0-9a-fA-F]{16}-[0-9a-fA-F]{16}$/;

/** A UUID as Int128 text; any other id (not made by Eventloom) as is. */
export function toEventuateId(id: string): string {
  if (!UUID.test(id)) return id;
  const hex = id.replace(/-/g, '');
  return `${hex.slice(0, 16)}-${hex.slice(16)}`;
}

/** Int128 text (Eventuate's ids, or ours as sent) in the UUID layout the store uses; any other id as is. */
export function fromEventuateId(wireId: string): string {
  if (!INT128.test(wireId)) return wireId;
  const hex = wireId.replace('-', '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

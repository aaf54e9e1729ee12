/*
 * addr.h - e-mail address syntax (RFC 5322 addr-spec, RFC 6531 UTF-8)
 */
#ifndef POCGATE_ADDR_H
#define POCGATE_ADDR_H

/* Returns NULL when s is a plain addr-spec pocgate can send to: a dot-atom
 * local part (UTF-8 allowed, RFC 6531) and a domain of at least two labels
 * (UTF-8 labels allowed). Otherwise a short reason, e.g. "no '@'". Quoted
 * local parts, comments, display names and IP literals are refused: the
 * directory holds addresses, not mailbox specifications. */
const char *addr_check(const char *s);

/* Returns NULL when s is valid UTF-8 without control characters other than
 * those listed in allow (e.g. "\n"), otherwise a reason. */
const char *utf8_check(const char *s, const char *allow);

#endif

/**
 * The one place that wires @peculiar/x509 to node's WebCrypto, so every file in this module signs
 * and parses with the same provider. reflect-metadata must load before the library's ASN.1 schemas.
 * The project compiles without the DOM lib, so the WebCrypto types come from node:crypto.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
export const subtle: webcrypto.SubtleCrypto = webcrypto.subtle;

export * from './checks.js';
export * from './resource.js';
export { loadPaths, loadText, readManifestTexts, type LoadedDocument, type LoadResult } from './yaml/load.js';
export { validateDocuments, type ValidateOptions } from './validate.js';
export { KINDS, kindInfo, resolveKindName, type KindInfo } from './kinds/index.js';
export { notEnforcedChecks, noResourcesMessage } from './not-enforced.js';

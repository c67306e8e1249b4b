// Code here never ships: n8n's community-node rules do not apply (see tools/eslint.dev.mjs).
export { default } from '../tools/eslint.dev.mjs';

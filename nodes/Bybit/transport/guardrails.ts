/**
 * The safety rules live in the shared kernel (credentials/common/bybit/safety.ts),
 * where the credential's signer applies them to every request. Re-exported here
 * for the transport's callers.
 */
export { guardrailsOf, safetyRefusal, type GuardrailSettings, type Guardrails } from '../../../credentials/common/bybit/safety';

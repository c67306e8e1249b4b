/**
 * A stand-in for n8n's `httpRequestWithAuthentication` for unit-level tests:
 * it calls the REAL credential `authenticate` (as n8n's CredentialsHelper does)
 * and sends the result with axios the way n8n 2.41 converts options
 * (`qs` -> params, `body` -> data sent verbatim when a string, full response
 * and ignoreHttpStatusErrors honoured). Workflow-level tests use real n8n.
 */
import axios, { type AxiosRequestConfig } from 'axios';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { BybitApi } from '../../credentials/BybitApi.credentials';

export interface SentRequest {
	method: string;
	url: string;
	body?: string;
	headers: Record<string, string>;
}

/** Sends n8n httpRequest options with axios the way n8n 2.41 converts them; records what went out. */
async function send(options: IHttpRequestOptions, sent: SentRequest[]): Promise<unknown> {
	const config: AxiosRequestConfig = {
		method: options.method ?? 'GET',
		url: options.baseURL ? `${options.baseURL}${options.url}` : options.url,
		headers: { ...(options.headers as Record<string, string>) },
		params: options.qs && Object.keys(options.qs).length ? options.qs : undefined,
		data: options.body,
		timeout: options.timeout ?? 10_000,
		validateStatus: () => true,
		transformResponse: [(data: string) => data],
	};
	if (options.json) (config.headers as Record<string, string>).Accept = 'application/json';
	sent.push({
		method: String(config.method),
		url: String(config.url),
		body: typeof config.data === 'string' ? config.data : undefined,
		headers: config.headers as Record<string, string>,
	});
	const res = await axios.request(config);
	let body: unknown = res.data;
	if (options.json && typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			// keep the raw text, as n8n does for non-JSON answers
		}
	}
	if (!options.ignoreHttpStatusErrors && res.status >= 400) {
		const error = new Error(`Request failed with status code ${res.status}`) as Error & { httpCode: string };
		error.httpCode = String(res.status);
		throw error;
	}
	if (options.returnFullResponse) {
		return { body, headers: res.headers, statusCode: res.status, statusMessage: res.statusText };
	}
	return body;
}

export function makeHttpRequestWithAuthentication(
	credentials: ICredentialDataDecryptedObject,
	sent: SentRequest[] = [],
) {
	const credentialType = new BybitApi();
	return async function httpRequestWithAuthentication(
		_type: string,
		requestOptions: IHttpRequestOptions,
	): Promise<unknown> {
		const options = await credentialType.authenticate(credentials, { ...requestOptions });
		return await send(options, sent);
	};
}

/** n8n's plain `httpRequest` (no credential): the options are sent as they are. */
export function makeHttpRequest(sent: SentRequest[] = []) {
	return async function httpRequest(requestOptions: IHttpRequestOptions): Promise<unknown> {
		return await send({ ...requestOptions }, sent);
	};
}

import {parentPort} from 'node:worker_threads';
import type {DecodeReply, DecodeRequest} from './decoder-thread.js';

/*
 * The decoding worker's script (decoder-thread.ts starts it): one image at a time, in the order
 * sent. A broken file gets {ok: false}; its pixels' buffer is handed over, not copied.
 */

// Nothing the decoders print (libwebp prints its aborts) may reach the TUI's screen: the console is
// silenced before they load. (Piping the worker's output instead would keep the process alive.)
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[method] = () => {};
const {decodePixels} = await import('./decode-pixels.js');

parentPort?.on('message', async (request: DecodeRequest) => {
	let reply: DecodeReply;
	try {
		const image = await decodePixels(request.bytes, request.format, request.size, request.maxSide);
		reply = {ok: true, width: image.width, height: image.height, data: image.data};
	} catch {
		reply = {ok: false};
	}

	const data = reply.ok ? reply.data : undefined;
	const whole = data !== undefined && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
	parentPort?.postMessage(reply, whole ? [data.buffer as ArrayBuffer] : []);
});

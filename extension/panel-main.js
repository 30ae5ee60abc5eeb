// Loads the panel's wasm; everything else happens in Rust (panel/).
import init from './panel/panel.js';
const wasm = await init({ module_or_path: new URL('./panel/panel_bg.wasm', import.meta.url) });
// The size of the panel's wasm memory, which the panel benchmark reports beside the JS heap.
globalThis.scapiPanelMemoryBytes = () => wasm.memory.buffer.byteLength;

// Loads the panel's wasm; everything else happens in Rust (panel/).
import init from './panel/panel.js';
init({ module_or_path: new URL('./panel/panel_bg.wasm', import.meta.url) });

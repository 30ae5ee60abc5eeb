// Adds the SCAPI panel to DevTools. The panel finds the inspected tab itself.
(globalThis.browser ?? globalThis.chrome).devtools.panels.create('SCAPI', 'icons/icon-32.png', 'panel.html');

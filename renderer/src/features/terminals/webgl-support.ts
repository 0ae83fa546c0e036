/**
 * Whether WebGL2 here runs on a GPU. A software rasteriser (SwiftShader, llvmpipe: virtual
 * machines, remote desktops, a disabled GPU) draws xterm several times slower than xterm's DOM
 * renderer and takes the page's main thread with it, so 'auto' uses WebGL only on hardware.
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

let probed: { available: boolean; hardware: boolean; name: string } | undefined;

export function webglProbe(): { available: boolean; hardware: boolean; name: string } {
  if (probed) return probed;
  probed = { available: false, hardware: false, name: 'none' };
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (gl) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      // Give the context back at once: Chromium allows only ~16 per page.
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      probed = { available: true, hardware: !SOFTWARE_RENDERER.test(name), name };
    }
  } catch {
    // No WebGL at all: the DOM renderer it is.
  }
  return probed;
}

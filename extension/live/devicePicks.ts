// The capture device choice: the items of the quick pick ("default device" first, the last choice
// next and marked), and the memory of that last choice in the extension's global state.
import type { CaptureDevice } from '../../common/protocol';

/** The global state key of the last device chosen. */
export const LAST_DEVICE_KEY = 'sensevoice.live.lastDevice';

/** The part of vscode's Memento used here (a fake in tests). */
export interface DeviceMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface DevicePick {
  label: string;
  description?: string;
  detail?: string;
  /** The device name for `live/start`; undefined for the system default. */
  device: string | undefined;
}

/** Default first, then the remembered device, then the rest as ffmpeg lists them. Index 0 or 1 is the one to preselect. */
export function devicePicks(
  devices: readonly CaptureDevice[],
  remembered: string | undefined,
): { items: DevicePick[]; active: number } {
  const system = devices.find((d) => d.isDefault);
  const items: DevicePick[] = [
    {
      label: '$(mic) Default device',
      description: system ? system.description : 'the system’s default input',
      device: undefined,
    },
  ];
  const last = remembered ? devices.find((d) => d.name === remembered) : undefined;
  const rest = devices.filter((d) => d !== last);
  for (const d of last ? [last, ...rest] : rest)
    items.push({
      label: `$(mic) ${d.description || d.name}`,
      description: d === last ? 'last used' : d.isDefault ? 'default' : undefined,
      detail: d.description && d.description !== d.name ? d.name : undefined,
      device: d.name,
    });
  return { items, active: last ? 1 : 0 };
}

/** The remembered device, or undefined for the default. */
export function rememberedDevice(memory: DeviceMemory): string | undefined {
  const v = memory.get<unknown>(LAST_DEVICE_KEY);
  return typeof v === 'string' && v ? v : undefined;
}

export function rememberDevice(memory: DeviceMemory, device: string | undefined): Thenable<void> {
  return memory.update(LAST_DEVICE_KEY, device ?? '');
}

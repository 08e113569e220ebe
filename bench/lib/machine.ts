/** What the numbers were measured on: cores, load, memory, runtime versions. */
import { arch, cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

/** A machine description for the report. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  /** 1, 5 and 15 minute load averages when the bench started: a loaded machine gives noisy absolute figures. */
  loadAverage: number[];
  totalMemoryMB: number;
  freeMemoryMB: number;
  platform: string;
  release: string;
  arch: string;
  node: string;
  v8: string;
}

/** Describes this machine now. */
export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    freeMemoryMB: Math.round(freemem() / 2 ** 20),
    platform: platform(),
    release: release(),
    arch: arch(),
    node: process.version,
    v8: process.versions.v8,
  };
}

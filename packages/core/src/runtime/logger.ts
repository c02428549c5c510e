export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (m, d) => console.info(`[eventloom] ${m}`, d ?? ''),
  warn: (m, d) => console.warn(`[eventloom] ${m}`, d ?? ''),
  error: (m, d) => console.error(`[eventloom] ${m}`, d ?? ''),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

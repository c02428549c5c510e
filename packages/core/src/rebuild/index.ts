export * from './rebuild-marks';

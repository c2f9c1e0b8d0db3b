export * from './offices';
export * from './network';
export * from './consumers';
export * from './bills';
export * from './pings';

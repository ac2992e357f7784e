/** Injection token of the validated MotcuaConfig. */
export const CONFIG = Symbol('MOTCUA_CONFIG');

/** placeholder */ export const PACKAGE = "vae";

/** placeholder */ export const PACKAGE = "pipeline";

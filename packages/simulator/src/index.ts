/** placeholder */ export const PACKAGE = "simulator";

export const hal = { name: "no-default" };

export const greeting = "served by devhost";

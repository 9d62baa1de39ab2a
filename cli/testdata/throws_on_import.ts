throw new Error("the HAL refuses to load");
export default {};

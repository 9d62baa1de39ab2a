export default { name: "wrong-shape", profile: { memory: [] } };

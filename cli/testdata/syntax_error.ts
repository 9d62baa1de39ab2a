export default { name: "broken", profile: { memory: [ }, create() {} };

# An honest driver (the TypeScript driver with a reference HAL) whose wrapper leaves a sleeper in the background,
# holding the driver's output open for five minutes.
sleep 312 &
exec deno run --quiet -A --config=deno.json driver/ts_driver.ts reference:identity "$PWD"

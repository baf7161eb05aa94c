//go:build race

package attach

// raceOn: the race detector changes what allocates.
const raceOn = true

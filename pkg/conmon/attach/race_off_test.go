//go:build !race

package attach

const raceOn = false

package libpod

import (
	"crypto/rand"
	"math/big"
	"strconv"
)

// Words for generated container names ("adjective_noun").
var (
	nameAdjectives = []string{
		"agile", "amber", "ancient", "azure", "bold", "brave", "bright", "brisk", "calm", "candid",
		"clever", "cosmic", "crisp", "curious", "daring", "dazzling", "eager", "earnest", "elegant", "epic",
		"fair", "fearless", "festive", "fluent", "frosty", "gallant", "gentle", "glad", "golden", "graceful",
		"happy", "hardy", "honest", "humble", "jolly", "keen", "kind", "lively", "loyal", "lucid",
		"merry", "mighty", "modest", "nimble", "noble", "patient", "placid", "plucky", "polite", "proud",
		"quick", "quiet", "radiant", "rapid", "serene", "sharp", "shiny", "silent", "sleek", "smart",
		"snappy", "solid", "spry", "steady", "stoic", "sunny", "swift", "tender", "tidy", "vivid",
		"warm", "wise", "witty", "zealous", "zen",
	}
	nameNouns = []string{
		"albatross", "badger", "beacon", "bison", "canyon", "cedar", "comet", "condor", "coral", "cypress",
		"delta", "dolphin", "dune", "eagle", "ember", "falcon", "fjord", "fox", "galaxy", "geyser",
		"glacier", "harbor", "hawk", "heron", "horizon", "ibex", "island", "jaguar", "kestrel", "lagoon",
		"lark", "lynx", "magpie", "maple", "meadow", "meteor", "mesa", "nebula", "oasis", "ocelot",
		"orca", "osprey", "otter", "panda", "pebble", "pelican", "pine", "prairie", "puffin", "quasar",
		"raven", "reef", "river", "robin", "sequoia", "sparrow", "summit", "swan", "tiger", "tundra",
		"valley", "walrus", "willow", "wombat", "yak", "zebra",
	}
)

func randomIndex(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err)
	}
	return int(v.Int64())
}

// randomName returns a random "adjective_noun"; with suffix a digit is added
// to make collisions unlikely once the plain names are crowded.
func randomName(suffix bool) string {
	n := nameAdjectives[randomIndex(len(nameAdjectives))] + "_" + nameNouns[randomIndex(len(nameNouns))]
	if suffix {
		n += strconv.Itoa(randomIndex(10))
	}
	return n
}

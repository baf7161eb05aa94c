package network

import "github.com/pod-engine/pod/pkg/network/rootlessnet"

// CheckSlirpOptionsForTest is rootlessnet's check, for the fuzz target.
var CheckSlirpOptionsForTest = rootlessnet.CheckSlirpOptions

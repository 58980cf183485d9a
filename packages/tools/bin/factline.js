#!/usr/bin/env node
// The factline command, with every tool's packages installed beside it.
import { runCli } from 'factline/cli';

runCli();

/** The awsamp policy pack, as `pulumi preview --policy-pack DIR` runs it: making it serves the engine. */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("awsamp", { policies });

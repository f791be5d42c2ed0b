// npm run scaffold -- <Model>: prints the SDL that binds a Prisma model, to
// paste into schema.graphql and edit.
import { scaffoldModelSdl } from '../src/bindings/scaffoldModelSdl.ts';
import { loadDataModel } from '../src/sources/prisma/datamodel.ts';

const name = process.argv[2];
const dm = loadDataModel();
if (!name) {
  console.error(`usage: npm run scaffold -- <Model>\nmodels: ${dm.models.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
try {
  process.stdout.write(scaffoldModelSdl(dm, name));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

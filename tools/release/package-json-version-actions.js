// nx release "version actions" for this workspace's npm packages: read and write the version
// in each package's package.json, and the ranges dependents declare on it. (Nx's own
// implementation ships in @nx/js, which is not published for Nx 24 on the registry we use.)
'use strict';
const { VersionActions } = require('nx/release');

/** The same form as .projenrc.ts's workspaceRange(): `npx projen` after a release changes nothing. */
function workspaceRange(version) {
  const [major, minor] = version.split('.');
  return major === '0' ? `^0.${minor}.0` : `^${major}.0.0`;
}

const COLLECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

class PackageJsonVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = `${this.projectGraphNode.data.root}/package.json`;
    const pkg = JSON.parse(tree.read(manifestPath, 'utf-8'));
    return { currentVersion: pkg.version, manifestPath };
  }

  async readCurrentVersionFromRegistry() {
    return null; // these packages are not read back from a registry
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const pkg = JSON.parse(tree.read(`${this.projectGraphNode.data.root}/package.json`, 'utf-8'));
    const depName = projectGraph.nodes[dependencyProjectName]?.data?.metadata?.js?.packageName ?? dependencyProjectName;
    for (const collection of COLLECTIONS) {
      if (pkg[collection]?.[depName]) return { currentVersion: pkg[collection][depName], dependencyCollection: collection };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const pkg = JSON.parse(tree.read(manifestPath, 'utf-8'));
      pkg.version = newVersion;
      tree.write(manifestPath, JSON.stringify(pkg, null, 2) + '\n');
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const pkg = JSON.parse(tree.read(manifestPath, 'utf-8'));
      let changed = 0;
      for (const [project, version] of Object.entries(dependenciesToUpdate)) {
        const depName = projectGraph.nodes[project]?.data?.metadata?.js?.packageName ?? project;
        for (const collection of COLLECTIONS) {
          if (pkg[collection]?.[depName]) {
            pkg[collection][depName] = workspaceRange(version.replace(/^\^/, ''));
            changed++;
          }
        }
      }
      if (changed) {
        tree.write(manifestPath, JSON.stringify(pkg, null, 2) + '\n');
        logs.push(`✍️  Updated ${changed} dependency range(s) in manifest: ${manifestPath}`);
      }
    }
    return logs;
  }
}

module.exports = PackageJsonVersionActions;
module.exports.default = PackageJsonVersionActions;
